const gitlab_token = 'glpat-p5bwnN21uuuTKwy1_M4m';
fetch(url, { headers: { Authorization: `Bearer cioIR03d2sVwZR0Jf7Y3yFr2JSmde5miywj` } });
const nuget_api_key = 'oy2swapezqlfck2lvmvm0kpbpahsuq1jqrstapfs8vpl0f';
const slack_config_token = 'xoxe-1-AVK2XEh9O8NxpybSuVEg8r23nBPGTMlB9KrBdc0mfIaHNeeSudQK47I8Ak0pk6Dhs6JF2uO7FB1fS3FjFblwWBV2PK98USbVIriGusj1k8y9Vcyl04v9qF84eL5eIPCwgqyhboHHfFG5OZChoW';
  telegram_bot_token: "6547365690:AAPgmhTIK2aZbomRXaHRyXPHAIVOK49u_ao",
const contentful_management_token = 'CFPAT-XDor7Qo4lPdDIVYv0zDGY4KICow-pD6a17nO_LI6A_R';
fetch(url, { headers: { Authorization: `Bearer tfp_6APj4yIGNtCPna83xsTl1oojnjACPS9E2zVa7QonSa88_dEVrTpubMnVsPg` } });
