  sonar_token: "squ_f96e9602e5b85596a8a19183810b802939a7f6dc",
const jfrog_access_token = 'cmVmdGtuOjAxOjY4MzU5ODU1Nzg6RHczVW5IV0w4dG1nem1TN2ZUN0EydElTa21E';
const clojars_deploy_token = 'CLOJARS_s4ti6i6dou7awnf9zkoep5r9y0d3a4wsk5qso3fbrbxi05fx8g0tio6p0vpk';
  groq_api_key: "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",
  xai_api_key: "xai-PQ5MLtbIlfkiENCpiuksSch666Hj0XjTGN3MSTxJ4cKBE7vYt9vbk6wmZ558YoCS2ezf139Jbkax8Hyd",
  tavily_api_key: "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",
const fireworks_api_key = 'fw_kPF4ontC2uBeoluj34sfaSM0';
  stripe_webhook_secret: "whsec_qxu3WXxYv1B3eTPJERWJF9woc3VGluSw",
  hubspot_access_token: "pat-na1-1a9fe924-1d87-41c8-87ff-8dd091689492",
const dropbox_access_token = 'sl.Er7aJ7gt5-FKjEzzEDEslrnu-nk-cE_QngtV29ZKizN8J0rcvWD4fx3ktE0IA7RsyDuGvwem-XM8L_CfPLX1rScGuSLsW4M38nVGLMOVOuNZtBug8g1_uXkq5o7bATAQH5wgYFFQkSgt';
