{{include shared/mail.sql}}
