DROP TABLE report_groups;
DROP TABLE reports;
