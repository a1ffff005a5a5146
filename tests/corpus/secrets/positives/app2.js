const google_api_key = 'AIzavPiod4VBz3m-x_vQXew07ief9GPbj3aIeAH';
  google_client_secret: "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",
fetch(url, { headers: { Authorization: `Bearer ya29.a094o7rqxyUhrsF-a2AApZ2HlR2manmnFq6lmPzyORSR5whXNvPBULDagVv2413o7mikSc0vvCPgJ_l-xM6c_Mahp9XLhXoopdA4hDAE0H_mrRt6BOWhL22TL0mZxM4Xwp2reg9tDbI4PWPjI3el3GBI` } });
  tencentcloud_secret_id: "AKIDbgCjKMZV1YrXnz72R6MxLZAyEMBJweBK",
const github_pat = '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';
fetch(url, { headers: { Authorization: `Bearer bkua_d73deef29b389ce595b5645dd1475eb805de7185` } });
fetch(url, { headers: { Authorization: `Bearer ops_eyJf6B8hy5UErylCDB5QlF_9LqKkEBOOqSOpN-VZXEkXFqko6Ep8MTQZLTHfIy9R4OOSzZLSrE64mr8rWRzpSZapUYgBgcHEPusgfYpa1URRqa6We-fojLnfqBFtdwA_Wzh-vl7oUXGLtOa8LQsi3ZYh4CgVhDR5jMO2rpRgKthYke_ruHJ5-2cd4X9kQvR7MrSOSsSGY1sJOopWmq92UbthM2Aa21Nt2dhHBGth7TO4zUTI5wkMADZgfV_vWRe5nFxfl17ZB2vZatxREfugwxMeZP6lfZlwCrnK0gDY1BOEOOAHLAwOMcqPzbS2GnginL0ZzwV4GWeoMFHCYMvM0DIZPJ0k8XO61zuLcejCdy2NWJvlm2m9oO1-kfDu6wqjCALs-BJMuC0-jDe_xdWN2oY3WCmSVpj9tduxvRKkylo_YVH-F5FbDTc6b6EZxAbFQ8L4t_e0fqdoFboGb3gcjIsqEL-9Hv6bFmNphsgf2EG95WFTwrf5yo4wCp9iENTfdnxyVJjPYc99lYrP6K6Nt6E0_xhka_ga-PGypw8mdxowFDdBceIt1jPM5rA6eLopwB5BszOooMRlL_GdIDMVYSbDL8j` } });
const prefect_api_key = 'pnu_9y7AoVcmexWq4em173f3m4OdFvTbBMB2d2Bd';
  hf_token: "hf_fSUuHnxGSWjnpS774dPoWMHtIOnxyum5B3",
fetch(url, { headers: { Authorization: `Bearer xapp-1-AOJFRL7C9VQ-6905776894928-2ab911eb218e1b476e836101c685f356b2c89e54fe58dbcb21e1130b6d2bb889` } });
  flw_secret_key: "FLWSECK-325c6197df1c6abbe1a3b59f90491f68-X",
fetch(url, { headers: { Authorization: `Bearer access-production-17571e40-d91a-436e-b045-bd5f8fc09696` } });
  age_key: "AGE-SECRET-KEY-1W93507N4J0GA4VL09M0GDUX3TG453Z929MPLN3DR59X37WPHREYSKL39GZ",
