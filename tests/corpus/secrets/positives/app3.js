  netlify_auth_token: "nfp_kTI9DB5gWRJ3WknXsxZKPcnycdPjHpoLen6y",
  grafana_token: "glc_eyJvIjogIjcwODE4OSIsICJuIjogInN0YWNrLTYwODY2MSIsICJrIjogImxtZ056RTYyQWtNSzI4SjFaa2F2SzBQciJ9",
  harness_api_key: "pat.WQ_4Xj1vzvIE6FENBtZ2Iu.W1QQTFmZUumPF7FOkxb7oZqe.SXwUOOcw9afJlxPwuDGV",
  infracost_api_key: "ico-7xCwLwqO9A0M5SjWMCEA4unDlWQtX7jr",
  src_access_token: "sgp_494bc940f12a7375_1aa43fa451a8dce9c1d0650d6126155a55c03df9",
  npm_token: "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",
  slack_bot_token: "xoxb-570240023596-4582321400066-u91rUfVNDmxidIeSfreCkGYO",
const linear_api_key = 'lin_api_Do0lDTynw0fuGnLBMnJc8lSSunk4iQepdvZdfVld';
