#!/bin/bash
# Mini Compose batch job for Grid Engine, as on TSUBAME 4.0:
#   qsub -g YOUR_GROUP job-sge.sh [WORKLOAD COMMAND...]
# Submit it from the project directory (the one holding docker-compose.yml and working_dir/). It starts the
# stack with Apptainer, waits until every service is healthy, runs the workload given after the script name
# (or MC_WORKLOAD, or nothing: then the stack stays up until GET /stopServer or the end of the job), and stops
# everything when the job ends. Settings: see mini-compose-job.bash beside this file.
# Grid Engine kills a job outright (SIGKILL, no clean-up) when h_rt runs out: leave a margin, or add
# "#$ -notify" so that the SIGUSR2 it then sends first stops the stack.
#$ -cwd
#$ -l cpu_8=1
#$ -l h_rt=01:00:00
#$ -N mini-compose
#$ -j y

# Make `module` available in the batch shell (the line TSUBAME 4.0 documents), then load Mini Compose.
if ! type module >/dev/null 2>&1; then
    for init in /etc/profile.d/modules.sh /etc/profile.d/lmod.sh; do
        if [ -f "$init" ]; then . "$init"; break; fi
    done
fi
module load mini-compose || exit 1

MC_JOB_ID=${JOB_ID:-local}
MC_PROJECT_DIR=${MC_PROJECT_DIR:-${SGE_O_WORKDIR:-$PWD}}
# Run several copies of the stack side by side (ids 1..N), each in its own PortShift group:
# MC_INSTANCES=2

source "$MINICOMPOSE_SHARE/jobs/mini-compose-job.bash"
mc_job_main "$@"
