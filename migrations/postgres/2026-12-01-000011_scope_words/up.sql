-- Words search by scope: each letter's search text gains the words of who
-- may see it (shared::search::ScopeWord): its counter office, and every
-- agency it was delivered to. (The stored tsvector follows.)
UPDATE letters SET search_text = search_text || ' zzo' || counter_office_id || COALESCE(
    (SELECT ' ' || string_agg(DISTINCT 'zza' || d.agency_id, ' ')
     FROM deliveries d WHERE d.letter_id = letters.id), '');
