-- risk 0.3.2 -> 0.3.3

\echo Use "ALTER EXTENSION risk UPDATE TO '0.3.3'" to load this file. \quit
