    let azure_client_secret = "yJI6Q~PgjWYkC-V5.tbpm9ml8c-Uco8lHJ7s82U1";
    let github_token = "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";
    let github_app_token = "ghs_36dco409RxJ0npoytSG6TJNQhFQlbs2H5kDb";
    let github_pat = "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";
    let claude_code_oauth_token = "sk-ant-oat01-ZVUDL1j8tQSGzFpuCQiLCLa0WOX9yA8Z3LQazbpqVmzpf4YofkS3qnyovSfpTCsY8WeMdzypH1bcVvgi2x3hgkCohRjXeAA";
    let replicate_api_token = "r8_rucvqqhME7IQseD2vFza3lMCeG2SS1RCJ0411";
    let together_api_key = "tgp_v1_pYIX7t59I7d4OLdFmajHi3cqzgAnrvZdm_Xf2pCRZq4";
    let supabase_access_token = "sbp_d5cbeb5edc487921705fe0c4e942540a90ab0966";
