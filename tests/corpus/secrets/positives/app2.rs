    let ci_deploy_token = "gldt-e4doa9gH4Cg6F1WTQd5J";
    let deepseek_api_key = "sk-b00ba3bf6f201844267d5fb4b77c3bec";
    let hf_token = "hf_Bb85X561VGznGyeAwQpOkdKhI64fCkMy8g";
    let contentful_management_token = "CFPAT-4Q0hrtysAYncHdhwyM8utt-TteFeKZiT984Wkqjdk6o";
    let airtable_api_key = "patlYMnvQwwQtdILX.1d505dc39a8a864e1c88b4eea918d5762198ac764787ddfc15293f5464f9a915";
    let typeform_token = "tfp_tqwUDsUM9jkMUHdn69Onuq8M9dSo47U40Z1rpnHWUjF8_voTTBXe4YL9K7w";
