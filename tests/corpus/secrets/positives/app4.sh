curl -sf -H "X-Api-Key: glrt-uYTVwICyvtrELGwp01bU" https://api.internal.test/v1/ping
curl -sf -H "X-Api-Key: sk-3da8274b2eaf8cc210072f70f3fee485" https://api.internal.test/v1/ping
curl -sf -H "X-Api-Key: hf_tNQilA1eIokZmmsROJBAC5JKAn5Zw7EeIm" https://api.internal.test/v1/ping
CONTENTFUL_MANAGEMENT_TOKEN='CFPAT-DhEZnzDz8t9Vcs1qAcwVIw1Wz93YLOeoZhwhVLsNeKT' ./deploy.sh --env prod
export AIRTABLE_API_KEY="pat4rILB1nU8EsQLx.673325f4e9c0edd55a392a3c4add2c6e5643d3417826105f93227375d9967e7e"
curl -sf -H "X-Api-Key: tfp_0PLUzM729wlQiXOfhfPlsz9jPN7kwptVhVlL2pOTqnxM_b49AWEWF8yK31e" https://api.internal.test/v1/ping
