-- PostgreSQL only (its steps leave their dashboard counts to be folded in
-- later; SQLite's one writer sums a group's once per commit). Kept so both
-- histories match.
SELECT 1;
