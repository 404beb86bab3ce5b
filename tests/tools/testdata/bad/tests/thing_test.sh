check_it() { annexo_req X.405-SHELL true; }
