    private static final String AZURE_CLIENT_SECRET = "23v9Q~gEybR9jPIZqc9g4VY.vhP8EfcYsLnt5_mU";
    private static final String GITHUB_TOKEN = "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";
    private static final String GITHUB_APP_TOKEN = "ghs_1yUrqZ7YAxT7nxbsALyNY6zLyLroRU4dLhDT";
    private static final String GITHUB_PAT = "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";
    private static final String CLAUDE_CODE_OAUTH_TOKEN = "sk-ant-oat01-sO_4NrkJMSddmorhpzEBvNo_qgs7_LLXP_QaHxg_4bin56BSVMcHsQxtikkJwF2cnXpaGiB1vI8n7J65wpl5Aqw6b03NAAA";
    private static final String REPLICATE_API_TOKEN = "r8_txk0K8GGtUVtKFF9cuGf1YWPiAz2oeoVEUrtE";
    private static final String TOGETHER_API_KEY = "tgp_v1_jM-3Evc-_93OIu19MHBO4CTpiZ3vwlywiiYduIWataK";
    private static final String SUPABASE_ACCESS_TOKEN = "sbp_2dabba9a31df89472f9f49b86cc082d271d87b27";
