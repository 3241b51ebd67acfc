// Started by coldstart (internal/services): fauxqs' SQS on 127.0.0.1 with a
// port the kernel picks. fauxqs' own CLI listens on every interface, so this
// builds its app and listens on loopback only. With no host configured,
// queue URLs take the request's (http://127.0.0.1:PORT/000000000000/NAME),
// which every SDK can reach; fauxqs' default, sqs.REGION.localhost, needs a
// resolver that knows *.localhost.
import { pathToFileURL } from 'node:url'
import { join } from 'node:path'

const dist = (file) => pathToFileURL(join(process.env.COLDSTART_FAUXQS, 'dist', file)).href
const { buildApp } = await import(dist('app.js'))
const { SqsStore } = await import(dist('sqs/sqsStore.js'))
const sqsStore = new SqsStore()
sqsStore.host = ''
const app = buildApp({ logger: false, defaultRegion: process.env.AWS_REGION, stores: { sqsStore } })
const address = await app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write('coldstart-ready ' + new URL(address).port + '\n')
