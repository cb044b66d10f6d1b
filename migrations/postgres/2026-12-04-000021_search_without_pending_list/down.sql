ALTER INDEX letters_search RESET (fastupdate);
