export GITHUB_TOKEN="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"
curl -sf -H "X-Api-Key: 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" https://api.internal.test/v1/ping
NEW_RELIC_API_KEY='NRAK-TJQUDPKOZ52LO6VEREZ1HA7H3D9' ./deploy.sh --env prod
curl -sf -H "X-Api-Key: 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" https://api.internal.test/v1/ping
export TWINE_PASSWORD="pypi-AgEIcHlwaS5vcmcUx3uR14H16Vds2l_Pj0dXrfnaEzOyXMHyrJ7Z6vkx2MUw5WFDoOu-hKerXAhYSgfaRL_wxOrLYFze2J9hdE5_wrUzOCv6mQpIEvKrbkjdSFLpMyELKHJQuWL"
export REPLICATE_API_TOKEN="r8_Tm5jm3wB48UDG5o62PiWNEx7WmgH1xQ9QDsiX"
GROQ_API_KEY='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' ./deploy.sh --env prod
export PERPLEXITY_API_KEY="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"
curl -sf -H "X-Api-Key: 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" https://api.internal.test/v1/ping
curl -sf -H "X-Api-Key: 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" https://api.internal.test/v1/ping
curl -sf -H "X-Api-Key: pcsk_cDByEv_PgdTpHvwJyy5AWmdjipBtEumxTLtYjRhIgwrUVEgKCULcJYJmGalPBQlhJK3kFZv" https://api.internal.test/v1/ping
export TWILIO_API_KEY="SK51ef21cbc1e3022f0773181de488807e"
curl -sf -H "X-Api-Key: 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" https://api.internal.test/v1/ping
export SUPABASE_ACCESS_TOKEN="sbp_444532248e2d78012b5580edea14934b8f8e12fb"
curl -sf -H "X-Api-Key: eyJhbGciOiAiRVMyNTYiLCAidHlwIjogIkpXVCJ9.eyJzdWIiOiAiMjgyMTU4ODQzNiIsICJpYXQiOiAxNzY5NDI5ODE3LCAibmFtZSI6ICJwZGxqdW5xYyJ9.elIwlNaNuRiSFUSyUVe8ydC0l3QONgZUonT5hjM-3Ev" https://api.internal.test/v1/ping
