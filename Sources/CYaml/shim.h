#ifndef MINI_COMPOSE_CYAML_SHIM_H
#define MINI_COMPOSE_CYAML_SHIM_H
#include <yaml.h>
#endif
