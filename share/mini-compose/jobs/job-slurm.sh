#!/bin/bash
# Mini Compose batch job for Slurm:
#   sbatch job-slurm.sh [WORKLOAD COMMAND...]
# Submit it from the project directory (the one holding docker-compose.yml and working_dir/). It starts the
# stack with Apptainer, waits until every service is healthy, runs the workload given after the script name
# (or MC_WORKLOAD, or nothing: then the stack stays up until GET /stopServer or the end of the job), and stops
# everything when the job ends. Settings: see mini-compose-job.bash beside this file.
# --signal=B:TERM@60 asks Slurm to send SIGTERM to this script a minute before the time limit, which stops
# the stack cleanly.
#SBATCH --job-name=mini-compose
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=8
#SBATCH --time=01:00:00
#SBATCH --signal=B:TERM@60
#SBATCH --output=mini-compose-%j.out

if ! type module >/dev/null 2>&1; then
    for init in /etc/profile.d/modules.sh /etc/profile.d/lmod.sh; do
        if [ -f "$init" ]; then . "$init"; break; fi
    done
fi
module load mini-compose || exit 1

MC_JOB_ID=${SLURM_JOB_ID:-local}
MC_PROJECT_DIR=${MC_PROJECT_DIR:-${SLURM_SUBMIT_DIR:-$PWD}}
# Run several copies of the stack side by side (ids 1..N), each in its own PortShift group:
# MC_INSTANCES=2

source "$MINICOMPOSE_SHARE/jobs/mini-compose-job.bash"
mc_job_main "$@"
