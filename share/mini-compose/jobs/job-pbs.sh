#!/bin/bash
# Mini Compose batch job for PBS Pro and OpenPBS:
#   qsub -v MC_WORKLOAD="./run-experiment.sh" job-pbs.sh
# Submit it from the project directory (the one holding docker-compose.yml and working_dir/). It starts the
# stack with Apptainer, waits until every service is healthy, runs MC_WORKLOAD (PBS passes no arguments to
# a job script; without a workload the stack stays up until GET /stopServer or the end of the job), and
# stops everything when the job ends: PBS sends SIGTERM before SIGKILL at the walltime.
# Settings: see mini-compose-job.bash beside this file.
#PBS -N mini-compose
#PBS -l select=1:ncpus=8
#PBS -l walltime=01:00:00
#PBS -j oe

if ! type module >/dev/null 2>&1; then
    for init in /etc/profile.d/modules.sh /etc/profile.d/lmod.sh; do
        if [ -f "$init" ]; then . "$init"; break; fi
    done
fi
module load mini-compose || exit 1

MC_JOB_ID=${PBS_JOBID:-local}
MC_JOB_ID=${MC_JOB_ID%%.*}
MC_PROJECT_DIR=${MC_PROJECT_DIR:-${PBS_O_WORKDIR:-$PWD}}
# Run several copies of the stack side by side (ids 1..N), each in its own PortShift group:
# MC_INSTANCES=2

source "$MINICOMPOSE_SHARE/jobs/mini-compose-job.bash"
mc_job_main "$@"
