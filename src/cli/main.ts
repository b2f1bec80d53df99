console.error('lambda-dock: the command line tool is being built');
process.exitCode = 1;
