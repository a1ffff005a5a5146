    private static final String GITHUB_USER_TOKEN = "ghu_DyTvkvArKPqalmFDQiT7U3Np7GZeYH3lEvW4";
    private static final String TFE_TOKEN = "8DUVCdk5aDXVnK.atlasv1.WVWDeTrFJZdMs6euRyUd1mhuUElHc6ofYGJNaF9wNNgN3e8ogKVWkgHQmaZBr5b0XQU";
    private static final String TWINE_PASSWORD = "pypi-AgEIcHlwaS5vcmcOrkfKEjlF1OPZPnSPG5RghhOjye3LfmPRoaA6WXGudPMKNzO0mDy6Td_o9lkYHFeomnRcrz-VF02s1AM0bIxisMSLVimBkDHAGDT0OGu8DvMV-BeW3DKdjfd";
    private static final String LANGSMITH_API_KEY = "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";
