curl -sf -H "X-Api-Key: squ_724af26ab07565fcc93cecf6eb2b6a1d462caa63" https://api.internal.test/v1/ping
export JFROG_ACCESS_TOKEN="cmVmdGtuOjAxOjg4MDU4NDc2NDM6VUpIbmN5QlF4WVZjSE5adE1NRmxQcDVxeXRN"
CLOJARS_DEPLOY_TOKEN='CLOJARS_oasv7nkk75ioj2kqo7pfgcq71gnsc0uzml595ahp79gb186a5um2weipvv0t' ./deploy.sh --env prod
export GROQ_API_KEY="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"
export XAI_API_KEY="xai-jMFHwsF5v0TxGYl86ssQ36NUWExjEupZyqLk7pOA0kVI79xWKoiOVkZfy2Wpr1oLwd3oRpXyTgNDqR24"
export TAVILY_API_KEY="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"
curl -sf -H "X-Api-Key: fw_SX4WL8mVNFOAwg6APj4yIGNt" https://api.internal.test/v1/ping
STRIPE_WEBHOOK_SECRET='whsec_5gMWGDZxnKMzBEPOrEsR99tnHBWNWgPX' ./deploy.sh --env prod
HUBSPOT_ACCESS_TOKEN='pat-eu1-cac9a8b9-f3ec-4963-95a3-c2598cfe6ccd' ./deploy.sh --env prod
DROPBOX_ACCESS_TOKEN='sl.5cNGjw4mIh2V6wxWWk0JJWISdBWy4VFGJo3L6Bk-q3Twt9wx-y3UDLfRf3xdLaFmvTyRV3LH0d2YwBSfFWlZCfatY6aiPlBo8B4ca5icSDTKpI4BmOYsBl_LZnb0uUJxilK0zGQiaKpS' ./deploy.sh --env prod
