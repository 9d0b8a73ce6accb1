"""ADaM: derivations (derive_var_*, derive_param_*) and the dataset builders ADSL, ADAE, ADRS, ADTTE, ADQS."""
