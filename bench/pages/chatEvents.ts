/**
 * Chat events for the benchmarks: `message.created` payloads of about 300 bytes of JSON, made
 * from a seed so every run, figure and anchor sees the same events.
 *
 * The text is English prose: a first-order word chain over a small support-chat corpus that,
 * now and then, jumps to any word of the corpus. The jumps keep it from repeating whole
 * sentences (which would gzip far better than real chat does): on its own the content gzips
 * about as well as English prose does (reported by the bench as `contentGzipRatio`).
 */
import { seeded } from '../../packages/core/test/seeded.mjs'

const CORPUS = `
Hi, I ordered a pair of running shoes last week and the tracking page still says the label was created.
Could you check where my order is? The order number is in the confirmation email I got on Monday.
Thanks for reaching out, I can help with that. I found your order and it left our warehouse yesterday afternoon.
The carrier usually updates the tracking page within a day, so the status should change by tomorrow morning.
If it does not move by Thursday, reply here and I will open an investigation with the carrier for you.
Can I change the delivery address? I will be at my parents' place over the weekend.
Once a parcel is with the carrier we cannot change the address ourselves, but you can ask the carrier to hold it at a pickup point.
That works for me. Is there a fee for holding it?
No, holding a parcel at a pickup point is free and they keep it for seven days before it comes back to us.
I would like to return the jacket, it is a size too small and the sleeves are short.
Of course. You can return anything within thirty days, and exchanges for another size are free.
I have started the return for you. You will get an email with a prepaid label and a code for the drop-off point.
Do I need the original box? I already threw it away, sorry.
Any sturdy bag or box is fine, just make sure the jacket is clean and the tags are still attached.
When will I get my money back?
The refund goes out as soon as the warehouse scans the parcel, and your bank usually shows it within three to five working days.
My discount code does not work at checkout, it says the code has expired.
That code was part of the spring sale, which ended on Sunday. I can give you a new code for ten percent off your next order instead.
Great, thank you! Does the new code also work on items that are already reduced?
It works on everything except gift cards and items in the clearance section.
The app keeps logging me out every time I close it, which is really annoying.
I am sorry about that. Could you tell me which version of the app you have and whether you use a phone or a tablet?
It is the latest version on an older phone. I updated it this morning.
Thank you. Please try signing out, clearing the app data in your settings, and signing in again.
If that does not help, the team is working on a fix for older phones and it should be out next week.
Can you summarise the main differences between the two plans for me?
The basic plan includes one user, five projects and email support, and it is billed every month.
The team plan adds unlimited projects, shared folders, single sign-on and priority support, and it is cheaper if you pay for a year.
Most small teams start with the team plan because sharing folders saves a lot of time.
Is there a free trial for the team plan?
Yes, every new workspace gets a fourteen day trial with all team features, and you do not need a card to start it.
I was charged twice for the same order, can you look into it?
I can see two payments on your account, but one of them is only an authorisation that your bank will release automatically.
It normally disappears from your statement within a few days, and you will not be charged for it.
What is the best way to keep the leather boots in good shape during the winter?
Clean off salt and dirt with a damp cloth after each walk, let them dry away from the heater, and use a wax every few weeks.
A spray that repels water also helps, especially on the seams, which is where most of the moisture gets in.
Could you recommend a laptop bag that fits a sixteen inch screen and has room for a charger?
The travel backpack has a padded sleeve for laptops up to sixteen inches and two large pockets for chargers and cables.
If you prefer something lighter, the messenger bag fits the same laptops but has less space for other things.
How long does delivery take to the north of the country?
Standard delivery takes two to four working days, and express delivery arrives the next working day if you order before noon.
I never received the confirmation email for my booking.
Let me resend it. It can take a few minutes, and it is worth checking your spam folder as well.
I have sent it again to the address on your account. Please let me know if it still does not arrive.
It arrived now, thanks a lot for the quick help.
You are welcome! Is there anything else I can do for you today?
No, that was everything. Have a nice evening.
Thank you, you too. If anything else comes up, just write to us here.
I want to cancel my subscription before the next billing date.
I can do that for you. Your plan stays active until the end of the current period, and you will not be charged again.
Would you like me to keep your saved projects in case you want to come back later? They are kept for ninety days.
Please keep them, I might need the files again in a couple of months.
The package arrived but one of the glasses was broken.
I am really sorry to hear that. Could you send a photo of the damaged glass and the box so I can report it to the carrier?
We will send a replacement right away, and you do not need to return the broken one.
Which size should I order if I usually wear a medium but like a looser fit?
Our shirts run slightly small, so most customers who like a relaxed fit choose one size up.
The size chart on the product page lists the chest and length for each size if you want to compare with a shirt you own.
Can I pay in instalments for orders over a certain amount?
Yes, for orders above one hundred and fifty euros you can split the payment into three parts at checkout without any extra cost.
The first part is paid when you order, and the other two follow after thirty and sixty days.
I forgot my password and the reset link does not seem to work.
Reset links expire after one hour, so it may have run out. I have sent a fresh link to your email just now.
When you open it, choose a new password with at least twelve characters and you should be able to sign in again.
`

const WORDS: string[] = []
const FOLLOWERS = new Map<string, string[]>()
const STARTS: string[] = []
{
  for (const sentence of CORPUS.trim().split('\n')) {
    const words = sentence.split(' ')
    STARTS.push(words[0]!)
    for (let i = 0; i < words.length; i++) {
      WORDS.push(words[i]!)
      const next = words[i + 1]
      if (next === undefined) continue
      const list = FOLLOWERS.get(words[i]!) ?? []
      list.push(next)
      FOLLOWERS.set(words[i]!, list)
    }
  }
}

/** How often the chain jumps to any word of the corpus instead of a word that followed this one. */
const JUMP = 0.7
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!
}

function id(rand: () => number, length: number): string {
  let out = ''
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(rand() * 62)]
  return out
}

const NAMES = ['Anna', 'Jonas', 'Maria', 'Lukas', 'Sofia', 'Elias', 'Emma', 'Noah', 'Lea', 'Paul', 'Mia', 'Ben']
const PRODUCTS = ['Trail Runner 2', 'Alpine Shell Jacket', 'City Backpack 22L', 'Wool Crew Sweater', 'Merino Socks (3 pack)', 'Travel Mug 450 ml', 'Chelsea Boots', 'Linen Shirt', 'Messenger Bag', 'Rain Poncho']
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
/** How often a sentence is followed by a detail: an order number, a price, a date, a name. */
const DETAIL = 0.35

function detail(rand: () => number): string {
  const digits = (n: number) => String(Math.floor(rand() * 10 ** n)).padStart(n, '0')
  switch (Math.floor(rand() * 6)) {
    case 0:
      return `Order #${digits(4)}-${digits(3)}.`
    case 1:
      return `It was €${Math.floor(rand() * 300)}.${digits(2)} for the ${pick(rand, PRODUCTS)}.`
    case 2:
      return `Expected on ${1 + Math.floor(rand() * 28)} ${pick(rand, MONTHS)}.`
    case 3:
      return `Thanks, ${pick(rand, NAMES)}!`
    case 4:
      return `Return code RMA-${id(rand, 6).toUpperCase()}.`
    default:
      return `The ${pick(rand, PRODUCTS)} is back in stock in ${1 + Math.floor(rand() * 9)} sizes.`
  }
}

function prose(rand: () => number, length: number): string {
  let text = ''
  while (text.length < length) {
    let word = pick(rand, STARTS)
    let sentence = word
    // A sentence ends at a word that ends one in the corpus, or after 40 words at the most.
    for (let i = 0; i < 40 && !/[.?!]$/.test(word); i++) {
      const followers = FOLLOWERS.get(word)
      word = followers === undefined || rand() < JUMP ? pick(rand, WORDS) : pick(rand, followers)
      sentence += ` ${word}`
    }
    if (!/[.?!]$/.test(sentence)) sentence += '.'
    if (rand() < DETAIL) sentence += ` ${detail(rand)}`
    text += (text === '' ? '' : ' ') + sentence
  }
  return text
}

// A type, not an interface: `record()` takes it as a JSON object (types get an index signature).
export type ChatMessage = {
  messageId: string
  role: 'user' | 'assistant'
  content: string
  conversationId: string
  turn: number
  model?: string
  finishReason?: string
}

/** A conversation: user and assistant take turns; user messages are short, answers longer. */
export function chatEvents(seed: number): (index: number) => ChatMessage {
  const rand = seeded(seed)
  const conversationId = `conv_${id(rand, 16)}`
  return (index) => {
    const user = index % 2 === 0
    const message: ChatMessage = {
      messageId: `msg_${id(rand, 16)}`,
      role: user ? 'user' : 'assistant',
      content: prose(rand, user ? 15 + Math.floor(rand() * 70) : 80 + Math.floor(rand() * 140)),
      conversationId,
      turn: index >> 1,
    }
    if (!user) {
      message.model = 'gpt-4o-mini'
      message.finishReason = 'stop'
    }
    return message
  }
}

/** `count` events from a fresh generator. */
export function makeChatEvents(count: number, seed: number): ChatMessage[] {
  const next = chatEvents(seed)
  const events: ChatMessage[] = new Array(count)
  for (let i = 0; i < count; i++) events[i] = next(i)
  return events
}
