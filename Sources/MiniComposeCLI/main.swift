import MiniCompose

print("mini-compose \(miniComposeVersion)")
