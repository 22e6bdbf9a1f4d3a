import { mount } from 'svelte'
import App from './App.svelte'
import { ApiClient } from './lib/api-client.ts'
import './app.css'

const target = document.getElementById('app')
if (!target) throw new Error('index.html has no #app element to mount the workbench into.')

mount(App, { target, props: { client: ApiClient.connect() } })
