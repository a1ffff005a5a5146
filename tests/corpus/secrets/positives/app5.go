	heroku_api_key := "HRKU-AA7cFFAJ0Kd16s1uoDqAcbYzVgxFoD4h21DkFtEGF_xv-ExKg1_Gxx5Z-7sf"
	square_access_token := "sq0atp-JLR6XqIC-A7ksLUUIACHk3"
	planetscale_service_token := "pscale_tkn_BYLqf2_TbnylgQ3HQIMqqMCSpr-VDoWPYAh-ehI90w_"
