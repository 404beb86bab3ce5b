//= spec#X.1-UE-DO type=implementation
inline int thing() { return 1; }
