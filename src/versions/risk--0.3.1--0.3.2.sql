-- risk 0.3.1 -> 0.3.2
--
-- The new area of personalized risk (profile): customer risk profiles,
-- product risk classes, portfolio risk and suitability.  New objects only:
-- the area's piece of the install script (src/sql/96_profile.sql) as it
-- stands in 0.3.2.

\echo Use "ALTER EXTENSION risk UPDATE TO '0.3.2'" to load this file. \quit
