-- expect: header
SELECT 1;
