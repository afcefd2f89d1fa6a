# www/: static pages and web-server configurations.
include www/deploy.mk
include www/browser.mk
