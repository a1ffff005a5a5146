fetch(url, { headers: { Authorization: `Bearer HRKU-AAziK47SyBr7H0ogsGOvYd_t-HGufIOVhD9I5tZGNS1Cugts2AEUouKuSdo-` } });
  square_access_token: "sq0csp-4eiIuP2_VW3rJfdZLrwjnWswV53sTB0jrHjI3vlhODW",
  planetscale_service_token: "pscale_tkn_2KuD17iQCNxwxForZN5hwIkOhiriUmN3aN9WwkS114c",
