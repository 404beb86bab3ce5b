//= spec#X.404-UNKNOWN type=implementation
//= spec#X.1-UE-DO type=implemented
//=spec#X.1-UE-DO type=test
inline int thing() { return 1; }
