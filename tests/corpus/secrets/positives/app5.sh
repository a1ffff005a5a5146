curl -sf -H "X-Api-Key: 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" https://api.internal.test/v1/ping
VAULT_TOKEN='hvs.qF_xN0fz5PpwZUn-aimTJZYoKAC-2S9rxkW4BEmYunoyUERWVkjDFS2ZOQyPQHgsFcGevgCQWQbbZANDbsCsd45ciN' ./deploy.sh --env prod
FLW_SECRET_KEY='FLWSECK-cf0d87e5ec2a1e650ad7ac3b69263cfe-X' ./deploy.sh --env prod
export MAPBOX_SECRET_TOKEN="sk.eyJ1IjoiS1pLuYOVhwJA3BBT1K6gi6Sd8tM-jNB7Zy9D3lXv4a_LvDDdhGGYTBZvjWp1.S1xMz3zNpdCNO2T_vUo80h"
export OP_SECRET_KEY="A3-7A84L4-ESRDHO-AAUDG-3166M-XOVNG-V0EL7"
