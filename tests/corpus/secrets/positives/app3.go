	buildkite_api_token := "bkua_b88c638700ec65f273c289399645e9a317d3a492"
	prefect_api_key := "pnu_Qn2aFH8Iv9wa9GbX06O1gcrXzIMfIeR5QsFT"
	sendgrid_api_key := "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"
	mailgun_api_key := "key-c1d9ea966d59f9a45932e250065337e0"
