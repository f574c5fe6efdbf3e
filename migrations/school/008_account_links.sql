-- One-time account links and users.cargo (shared/account_links.sql).
{{include shared/account_links.sql}}
