console.error('lambda-dock runtime client: not built yet');
process.exit(1);
