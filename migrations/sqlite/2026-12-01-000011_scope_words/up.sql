-- Words search by scope: each letter's search text gains the words of who
-- may see it (shared::search::ScopeWord): its counter office, and every
-- agency it was delivered to. (The FTS index follows through its trigger.)
UPDATE letters SET search_text = search_text || ' zzo' || counter_office_id || COALESCE(
    (SELECT ' ' || replace(group_concat(DISTINCT 'zza' || d.agency_id), ',', ' ')
     FROM deliveries d WHERE d.letter_id = letters.id), '');
