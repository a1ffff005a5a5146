export HEROKU_API_KEY="HRKU-AAxJPIhxjpXu3yQ7yuvbG9PEqfqnNuPUTpYKhGPNoXWVirlA7g5sM5GfVd0Q"
curl -sf -H "X-Api-Key: nfp_i2eV5Xw4Dz8nqHKwJwkDViMAVEV6xDlEmoxY" https://api.internal.test/v1/ping
GITHUB_USER_TOKEN='ghu_PGq4ni3qZERBNTmAKAKRrwt23o7f3d3aKe0A' ./deploy.sh --env prod
TFE_TOKEN='6aJXyDJQUNBPJd.atlasv1.bGWoxybVIDfjAjab6BGU8kV6A3uDGKiOKWlB9NVFDeffsYfXagrtooV2jmnCY9KqQxx' ./deploy.sh --env prod
curl -sf -H "X-Api-Key: pat.xbb-2YqVLWjXoq2c3Qgy_q.buNzj5qICHK2ZrML79xZYZQQ.yK5k6UOPfl7asZIwJcVy" https://api.internal.test/v1/ping
SHIPPO_API_TOKEN='shippo_live_0e8cdb443c4eefd336957825497a2eeaf36e84b7' ./deploy.sh --env prod
curl -sf -H "X-Api-Key: sl.YQ0snAEsrfVnVRoieBoUtsRzJ6hyB0CgpITsDhN0NvAE_DVx0yYVnqQ5OcrpZT5Tph3K1KEDmSKmDC-cRDFstc6fWavZodi-pJUAgJHqruJoSjhnNcejXTRQaiYXwBguuGWCjNaH14Vw" https://api.internal.test/v1/ping
