    private static final String GH_TOKEN = "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";
    private static final String VAULT_TOKEN = "hvb.-QnDEgely3nFdpUd2sx-EJXMO47Yt8s3015Su01NVTs81Ig29vzgz5boz-S3x0fpnvXsOhPgcEzOV4kuYaZ7Zwlah7";
    private static final String FLW_SECRET_KEY = "FLWSECK-c3e8288481adb19ed6f8845c4162b2d3-X";
    private static final String MAPBOX_SECRET_TOKEN = "sk.eyJ1IjoiDJ6nWs24sU0E1UEeoXC6VopAN2_3JvjCkEDAJ9UXxgfsFyEVpbLwD-TKe68F.nhboLBlRsBBZ_oQmp88dW-";
    private static final String OP_SECRET_KEY = "A3-0IQUQC-0L7TK0-II6Y2-FJ5CJ-WGEJI-OAJVS";
