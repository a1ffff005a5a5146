AZURE_CLIENT_SECRET='cmg2Q~~Gbf8L1ZUhK6X1a91gLl67AHKONB4KfAG-' ./deploy.sh --env prod
ALIBABA_CLOUD_ACCESS_KEY_ID='LTAIV1uaRsxj4K4bfoGJpjLf' ./deploy.sh --env prod
GITHUB_APP_TOKEN='ghs_w1akU20IMEdQuQJQq7qVbJ9ROHJ3M32ANmNA' ./deploy.sh --env prod
DATABRICKS_TOKEN='dapi9ba622f8164188208358aaddff6ccac4' ./deploy.sh --env prod
GRAFANA_TOKEN='glc_eyJvIjogIjIzOTQ0NCIsICJuIjogInN0YWNrLTQxMDM5NiIsICJrIjogImZvNGhJMjgyejd5TXd3N1RxRFlrOEZuayJ9' ./deploy.sh --env prod
curl -sf -H "X-Api-Key: squ_2e717f1c1884a28cb430c77b3133e4da72633dc9" https://api.internal.test/v1/ping
curl -sf -H "X-Api-Key: sgp_3143730b19d49f06_89aa102b101d22dfd9b8cffda811c1b7026c7f30" https://api.internal.test/v1/ping
curl -sf -H "X-Api-Key: cmVmdGtuOjAxOjE0MzY0NzYzOTk6QmxzNUdBMXpYT2UxVkFUd3hOcXEwdXYzdWlX" https://api.internal.test/v1/ping
CLOJARS_DEPLOY_TOKEN='CLOJARS_01xiiu9szrcap68xvinobzc5i4jyc6sv78lqgr0oswigsuap4tu68m3k7ujl' ./deploy.sh --env prod
export PLANETSCALE_SERVICE_TOKEN="pscale_pw_my3igIGG7e3fZUG4zBNjm47lCDHBA_R8GXwB_1k7he6"
export HUBSPOT_ACCESS_TOKEN="pat-na1-769e8ab4-c644-4952-888d-2d130a450e7e"
