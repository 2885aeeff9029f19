DELETE FROM notifications WHERE kind = 'consultation_response';
DROP TABLE consultation_responses;
DROP TABLE consultation_supports;
DROP TABLE consultations;
