DROP TABLE auth_events;
DROP TABLE api_clients;
DROP TABLE refresh_tokens;
DROP TABLE users;
