JIRA_API_TOKEN='ATATT3xFfGF03pzbAyMkPiEYcFqu_kbbpmcKPgohGee_KslPE9F7n2OKgKvQ63fSBBi1nFlDSWe-XnEa7LSAAnV8Olh90PPe68sPleLlrYTzihV6Z4DvC9x9jceVcLDjylUWf5HNQ38vYV4P9xTJH7LDbJk6B4vPGbtZYYDvL1dreNRyrw2hHLo=0C7E85AA' ./deploy.sh --env prod
curl -sf -H "X-Api-Key: dt0c01.HC9J40Y60HH43J3Y2DKYAS5N.ZVSNUJXOT8IDU6N1GUPAKWRUGF03ZP719R84GEU4E3R2Y5Q8JZZGYULAGO43XZIR" https://api.internal.test/v1/ping
export INFRACOST_API_KEY="ico-ygfHBweYGTfwwnZl3i4AeKKsuVVjSBJT"
export GEM_HOST_API_KEY="rubygems_93c9398ea36a5a8baf2d26f5c4e0559a7b3bae99fc5d8642"
CLAUDE_CODE_OAUTH_TOKEN='sk-ant-oat01-koGP-9YhJHN3l4nBIuS2Me6-7zmjYyIvOjTeFVx2GjuVR09_qGpXEerORYopW0-Bdrz_kLCuUGZM-lVlrRQ86JHHKhaUQAA' ./deploy.sh --env prod
export TOGETHER_API_KEY="tgp_v1_0msJJgeedl3XsbguP2zs9PgvT5uDA3mJ596a3w42qp5"
curl -sf -H "X-Api-Key: sq0csp-iZd-z88rjWXfKtCb6FOYbb2MuCgmxtYfOLcuL1P7Gvz" https://api.internal.test/v1/ping
curl -sf -H "X-Api-Key: key-20b7ad3cc34756a33227128a6c5cb62c" https://api.internal.test/v1/ping
export LINEAR_API_KEY="lin_api_B5eHbAvzfQagDr8LQ89p09xRl8ouXMpzcpUPBJh2"
BREVO_API_KEY='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' ./deploy.sh --env prod
OP_SECRET_KEY='A3-91BJSK-QE7VIT-STZBA-RLQXV-3HRVQ-BGGUN' ./deploy.sh --env prod
