    let gh_token = "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";
    let vault_token = "hvb.ECpnQR3UvQ-YeEx1xcfsWY_IdLJxzEVqI4sv7vNEM0hpV8KHbHRygyYogGjhBKRQehu3ty9sHjXtfLvNWMqL88JwWt";
    let flw_secret_key = "FLWSECK-d424e349598c1c7e0fb0cca31b3fda76-X";
    let mapbox_secret_token = "sk.eyJ1IjoibHgUHz_LRTjDUnkfIH42ejIB8W7SW8fYHfWhcP5qGXn-iFS5ggRpPM66xZW_.vRH4o6P0zT3tESFttQ3D5O";
    let op_secret_key = "A3-82ZYZ4-3SL56X-FI32R-PREG4-OFEOQ-SQU7Y";
