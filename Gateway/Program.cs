using OrleansChat.Gateway.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddChatGateway();

var app = builder.Build();
app.MapChatGateway();
app.Run();
