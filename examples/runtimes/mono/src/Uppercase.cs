// Uppercase: a JSON string in, the same string upper-cased out.
namespace ColdStart
{
    sealed class Uppercase : IHandler
    {
        public string Handle(string eventJson)
        {
            var s = Json.Parse(eventJson) as string;
            if (s == null)
                throw new System.FormatException("the event is not a JSON string: " + eventJson);
            return Json.Quote(s.ToUpperInvariant());
        }

        static void Main()
        {
            LambdaRuntime.Run(() => new Uppercase());
        }
    }
}
