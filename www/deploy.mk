# www/deploy.mk: web-server configs, make serve, install of examples
