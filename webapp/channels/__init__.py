"""Ways a notification leaves the app besides the inbox: Web Push and SMS."""
