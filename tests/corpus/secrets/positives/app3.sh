GOOGLE_API_KEY='AIzaKlluJ8ERS2DTtJQeasgwlufsarPP0J4bNyC' ./deploy.sh --env prod
curl -sf -H "X-Api-Key: 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" https://api.internal.test/v1/ping
curl -sf -H "X-Api-Key: ghr_POAKSSh0KB6xcLBA678awWoLb05mn5lo8GXZN95qUUt6BaurhdR41LspnzlXrxY0gWnYq53kXY17" https://api.internal.test/v1/ping
CARGO_REGISTRY_TOKEN='cioRO3uS36tbC12V9HMTP9O5by05JtDdKiO' ./deploy.sh --env prod
CEREBRAS_API_KEY='csk-x1t25gfveii9zdgvd6vuyntps6v21xagilfd1fa7q6xsd6v4' ./deploy.sh --env prod
curl -sf -H "X-Api-Key: sk-lf-fc435ad6-c5cf-477f-bae9-9bed4d81a90a" https://api.internal.test/v1/ping
curl -sf -H "X-Api-Key: OTQyMTAyNzkwMjU5Mzg5MDc5NA.JY8DGk.f80qFPJK6rby1gspwKG_VPZ37q5y-fVSNd7MJ5" https://api.internal.test/v1/ping
export PAYMENT_TEST_SECRET="FLWSECK_TEST-0282b532bd39ef68e97993945fbdc67e-X"
SHOPIFY_ACCESS_TOKEN='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' ./deploy.sh --env prod
AGE_KEY='AGE-SECRET-KEY-1HP06UCVHLDMZ6NVY449F9YFPA9GUE32UUXRWLAQAQVD3HUUPZYKQGJYNAQ' ./deploy.sh --env prod
