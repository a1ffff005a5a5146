  sentry_auth_token: "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",
const new_relic_api_key = 'NRAK-UFAMR9NC6QGMQLFNRAIHG0TY4I5';
const gem_host_api_key = 'rubygems_5ea3a1574ee5c466ceb5e5a3756ab659ff0e8c206bde7748';
fetch(url, { headers: { Authorization: `Bearer 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` } });
const telegram_bot_token = '5963040292:AA873J0rPZAgzO_2uJ_eZt_YJsF_EbKgTKF';
