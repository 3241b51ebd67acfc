// Started by coldstart (internal/services): dynalite, in memory, on
// 127.0.0.1 with a port the kernel picks. Tables are ACTIVE as soon as they
// are created (DynamoDB takes seconds; waiting would only slow every start).
'use strict'
const dynalite = require(process.env.COLDSTART_DYNALITE)
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
server.on('error', (err) => { console.error(err); process.exit(1) })
server.listen(0, '127.0.0.1', () => {
  process.stdout.write('coldstart-ready ' + server.address().port + '\n')
})
