# www/browser.mk: Swagger UI / ReDoc assets, demo page, man pages
