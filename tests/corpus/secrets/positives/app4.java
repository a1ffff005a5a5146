    private static final String VERCEL_TOKEN = "vcp_mNJYiMuKnH5aOK1G5mELYPTNniDL5CnQyQ266e9ByJc5awvxQ5jLtavq";
    private static final String BITBUCKET_APP_PASSWORD = "ATBBVZSpyBBAwcoISCfeFnVwuFpkSCAhjHvt3A43A3F5";
    private static final String JIRA_API_TOKEN = "ATATT3xFfGF0vJP4ZFD6IgPTbmhcDi8U1lU72-j1kVdtEP-bO91DVKW_gEQ6t7NWZj6WrOkLbSnRlLakq9OpoJABSI6bXU-e8sGL30bOMMbyiRuqoALsGiKJQup8HSDt6ae24Tn16Ty93zHJrXda_W7cebm16GXczNk64HBns_y1fVoyHZQLttg=2749F64C";
    private static final String PINECONE_API_KEY = "pcsk_aFCBg7_ong4Tsl3rJ0FTB0BfrygOgIBCWxv2px7ypWOdPyrLN0Xr8i6MUq16hORhfmwUEKv";
    private static final String ELEVENLABS_API_KEY = "sk_dd9b82a84a2bc764f79ddbe2d8fd5248a2cfcaa413314e16";
    private static final String TWILIO_API_KEY = "SKfdb1ca3d5db68253229c280934bfa91c";
    private static final String BREVO_API_KEY = "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";
